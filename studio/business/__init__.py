"""Business view: value of models in the user's units, plain-language summaries."""
