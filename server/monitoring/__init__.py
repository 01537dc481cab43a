"""Return-to-poverty monitoring (防返贫监测), the return-to-poverty rate and the annual assessment (考核)."""
