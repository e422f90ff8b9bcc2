// Package docs holds no code: its tests keep the documentation of this
// folder and the README honest. rules_test.go checks that docs/rules.md
// catalogues every rule R1–R64 and that the tests and functions it cites
// exist; links_test.go checks that no link leaves the repository or points
// at a missing file; keycloak_test.go checks that the Keycloak realm export
// of deploy/keycloak issues the claims identity-provider.md documents.
package docs
