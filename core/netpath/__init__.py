"""The network path: every component that touches the network goes through here."""
