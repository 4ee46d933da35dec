"""Replies: normalising, classifying against the open question, and applying the outcome."""
