"""Matter + application → findings → decision: the application, the engine, the decision."""
