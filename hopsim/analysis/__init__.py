"""Analysis shared by figures, claims and users: functions of datasets, no plotting."""
