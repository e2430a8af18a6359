"""Payments behind one interface: providers are plugins; subjects (orders, bills) register what paying does."""
