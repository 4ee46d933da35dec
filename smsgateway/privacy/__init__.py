"""Data protection: erasure, subject access, retention and the access log (docs/privacy.md).

- `access_log`: who viewed or exported whose data, refusals and failed logins, append-only;
- `erasure`: a returnee's personal data removed or pseudonymised, the figures kept;
- `subject_access`: everything held about one returnee, as one JSON-ready document;
- `retention`: the programme's retention periods applied, once a day by the leader.
"""
