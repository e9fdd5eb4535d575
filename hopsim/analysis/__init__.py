"""The analysis layer: quantities computed from datasets, shared by figures, claims and
users (one function per number); no plotting."""
