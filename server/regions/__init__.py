"""The city's and the province's poverty offices: figures by county and township, read only, no household."""
