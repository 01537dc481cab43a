"""Village and township projects (infrastructure, industry, housing) and how they are funded."""
