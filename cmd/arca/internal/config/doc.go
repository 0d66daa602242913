// Package config reads Arca's one configuration file, shared by every
// service and the CLI, applies environment overrides, and validates it,
// reporting every problem at once. Secrets never sit in the file: it names
// the environment variables that hold them.
package config
