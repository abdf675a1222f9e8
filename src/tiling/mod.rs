//! Tile plans and tile extraction for the model pipelines.
