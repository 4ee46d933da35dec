"""What a provider tells us about delivery, and what follows from it.

`errors` holds the one table of provider error codes; `outcomes` is the one path every failure,
delivery and reply takes to reachability, suppression and escalation; `reports` applies status
callbacks once and in rank order, parking those that arrive before their message is recorded.
"""
