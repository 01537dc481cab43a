"""Tests of the monitoring area: risks, cases, the return-to-poverty rate and the annual assessment."""
