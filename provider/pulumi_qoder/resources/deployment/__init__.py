"""``Deployment``: a Qoder Cloud Agents deployment (agent + cron schedule + environment + events).

One home per concern: ``args`` (typed args), ``check`` (preview-time rules, canonical inputs),
``mapping`` (state <-> wire, pure), ``lifecycle`` (the API quirks on the shared lifecycle),
``resource`` (the ``pulumi.dynamic`` resource and provider).
"""
