"""Transports: the ways out. One module per transport behind the interface in `base`."""
