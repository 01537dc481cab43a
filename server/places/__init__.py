"""Places: county, township, administrative village, villagers' group."""
