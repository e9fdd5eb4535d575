"""The analysis layer: quantities computed from datasets, shared by figures and claims."""
