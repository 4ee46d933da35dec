"""Accountability: whether the help matched what returnees needed, and their complaints.

`answers` records what a returnee says to the satisfaction question and opens a feedback item
for a "why" answer or a message sent with the feedback keyword; `items` tracks an item to its
resolution (notes, theme, the closing message to the sender); `aggregates` counts the answers
per partner, service and month for the managers, and a partner's own totals. Feedback items
are for managers only (`permissions.Action.HANDLE_FEEDBACK`): never partners, never
caseworkers; their messages are not linked to a referral, so no referral page shows them.
"""
