"""`make soak`: the real webserver and daemon driven through nights on a scratch instance."""
