"""The simulated internet used by the tests and `zhenwei demo`."""
