"""The Qoder API as the provider speaks it: the HTTP client (``client``, imported only when a
call is made), its errors (``errors``) and where credentials come from (``config``)."""
