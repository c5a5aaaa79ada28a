package pgcatalog

// node is a node of the engine's parse tree as json_serialize_sql gives it
// (the planner's analyzer reads the same tree).
type node = map[string]any
