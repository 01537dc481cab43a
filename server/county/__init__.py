"""The county poverty office (县扶贫办): each township's figures, never household data."""
