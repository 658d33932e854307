"""API views, one module per area and one class per operation."""
