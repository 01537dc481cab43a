"""Help plans (帮扶计划) per household and year, and the delivered-measures ledger every figure reads."""
