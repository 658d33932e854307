"""The thin JSON interface (DRF): one view per operation, the exception handler, throttles."""
