"""Settings: ``base`` is everything; ``test`` only makes the suite faster."""
