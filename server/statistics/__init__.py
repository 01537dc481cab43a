"""Statistics offices report (统计报表): households, people, incidence, measures, money, visits and income, for a
village, a township or the county and a chosen year or month; each figure with the list behind it, and as .xlsx."""
