"""Closing the loop: tasks that keep asking until every referral has a known outcome or a flag.

`tasks` (the rules engine), `actions` (what a step does), `partner_questions` (asking partners,
one message or a daily digest) and `standing` (the query functions lists and dashboards use).
"""
