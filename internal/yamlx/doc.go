// Package yamlx is the YAML plumbing shared by the loaders: it parses a file
// into a node tree under size, depth and alias limits, and walks mappings
// with positioned errors, unknown-key suggestions and typed scalars.
//
// The loaders never decode YAML straight into structs: yaml.v3 loses strict
// mode and positions that way. They walk the node tree and keep the position
// of every element that can be wrong.
package yamlx
