"""What we ask: onboarding sequences (and later the question bank) as validated data."""
