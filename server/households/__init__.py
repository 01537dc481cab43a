"""The household registry (一户一档): households, members and the yearly income standards."""
