"""Notifications to a user's browsers: VAPID keys (``vapid``), Web Push delivery (``push``) and the change-stream
subscriber that pushes the favourites' kick-offs, goals, red cards and final scores (``subscriber``)."""
