// Package junitschema checks JUnit XML against the rules of the
// Jenkins/Ant JUnit schema (junit-10.xsd, as the Jenkins xUnit plugin
// ships it) and that its counts add up, for tests: Go has no XSD validator,
// so the schema's element, attribute and type rules are written out here.
package junitschema
