package docs

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/auth"
)

// keycloakRealm is the part of a Keycloak realm export that titrepro's
// tokens depend on.
type keycloakRealm struct {
	Realm string `json:"realm"`
	Roles struct {
		Realm []struct {
			Name string `json:"name"`
		} `json:"realm"`
	} `json:"roles"`
	Clients []struct {
		ClientID                  string            `json:"clientId"`
		PublicClient              bool              `json:"publicClient"`
		StandardFlowEnabled       bool              `json:"standardFlowEnabled"`
		ImplicitFlowEnabled       bool              `json:"implicitFlowEnabled"`
		DirectAccessGrantsEnabled bool              `json:"directAccessGrantsEnabled"`
		RedirectURIs              []string          `json:"redirectUris"`
		Attributes                map[string]string `json:"attributes"`
		DefaultClientScopes       []string          `json:"defaultClientScopes"`
		ProtocolMappers           []struct {
			Name           string            `json:"name"`
			ProtocolMapper string            `json:"protocolMapper"`
			Config         map[string]string `json:"config"`
		} `json:"protocolMappers"`
	} `json:"clients"`
	ScopeMappings []struct {
		Client string   `json:"client"`
		Roles  []string `json:"roles"`
	} `json:"scopeMappings"`
	ClientScopes []json.RawMessage `json:"clientScopes"`
	Components   map[string][]struct {
		ProviderID string              `json:"providerId"`
		Config     map[string][]string `json:"config"`
	} `json:"components"`
}

// profileAttribute is an attribute of a Keycloak user profile.
type profileAttribute struct {
	Name        string `json:"name"`
	Permissions struct {
		Edit []string `json:"edit"`
	} `json:"permissions"`
}

// TestKeycloakRealmIssuesTitreproClaims checks deploy/keycloak's realm
// export against what the services verify (docs/identity-provider.md):
// the roles are the platform's, the web client is public with PKCE S256,
// and its mappers put "roles" (an array), "centre" and the API audience
// into the access token. No Keycloak runs here: this is the export's
// shape, which Keycloak's import reads.
func TestKeycloakRealmIssuesTitreproClaims(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "deploy", "keycloak", "titrepro-realm.json"))
	if err != nil {
		t.Fatal(err)
	}
	var realm keycloakRealm
	if err := json.Unmarshal(data, &realm); err != nil {
		t.Fatalf("the realm export is not valid JSON: %v", err)
	}
	if realm.Realm != "titrepro" {
		t.Errorf("realm = %q", realm.Realm)
	}
	var roles []string
	for _, r := range realm.Roles.Realm {
		if _, err := auth.ParseRole(r.Name); err != nil {
			t.Errorf("realm role %q is not a titrepro role: %v", r.Name, err)
		}
		roles = append(roles, r.Name)
	}
	for _, want := range []auth.Role{auth.RoleCandidate, auth.RoleCentre, auth.RoleJuror, auth.RoleMinistry, auth.RoleAdmin} {
		if !slices.Contains(roles, string(want)) {
			t.Errorf("realm role %q is missing", want)
		}
	}
	// Declaring client scopes would replace Keycloak's defaults (basic,
	// which puts "sub" in the token, among them): the mappers sit on the
	// client instead.
	if realm.ClientScopes != nil {
		t.Error("the export declares clientScopes, which replaces Keycloak's default scopes")
	}

	if len(realm.Clients) != 1 || realm.Clients[0].ClientID != "titrepro-web" {
		t.Fatalf("want one client titrepro-web, got %d", len(realm.Clients))
	}
	c := realm.Clients[0]
	if !c.PublicClient || !c.StandardFlowEnabled || c.ImplicitFlowEnabled || c.DirectAccessGrantsEnabled {
		t.Errorf("client flows: public %t, code %t, implicit %t, password %t; want a public client with the code flow only",
			c.PublicClient, c.StandardFlowEnabled, c.ImplicitFlowEnabled, c.DirectAccessGrantsEnabled)
	}
	if c.Attributes["pkce.code.challenge.method"] != "S256" {
		t.Errorf("PKCE method = %q; want S256", c.Attributes["pkce.code.challenge.method"])
	}
	for _, uri := range c.RedirectURIs {
		if !strings.HasSuffix(uri, "/auth/callback") || strings.Contains(uri, "*") {
			t.Errorf("redirect URI %q: want an exact {public URL}/auth/callback", uri)
		}
	}
	if secs, err := strconv.Atoi(c.Attributes["access.token.lifespan"]); err != nil || time.Duration(secs)*time.Second > auth.DefaultMaxLifetime {
		t.Errorf("access token lifespan %q: want seconds within the services' maximum %s", c.Attributes["access.token.lifespan"], auth.DefaultMaxLifetime)
	}
	if !slices.Contains(c.DefaultClientScopes, "basic") {
		t.Error(`the client lacks the "basic" scope, which puts "sub" in the access token`)
	}

	mappers := map[string]map[string]string{}
	for _, m := range c.ProtocolMappers {
		mappers[m.ProtocolMapper] = m.Config
	}
	for mapper, want := range map[string]map[string]string{
		"oidc-usermodel-realm-role-mapper": {"claim.name": "roles", "multivalued": "true", "access.token.claim": "true"},
		"oidc-usermodel-attribute-mapper":  {"user.attribute": "centre", "claim.name": "centre", "multivalued": "false", "access.token.claim": "true"},
		"oidc-audience-mapper":             {"included.custom.audience": "titrepro", "access.token.claim": "true"},
	} {
		got, ok := mappers[mapper]
		if !ok {
			t.Errorf("no %s mapper on the client", mapper)
			continue
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %s = %q; want %q", mapper, k, got[k], v)
			}
		}
	}
	if len(realm.ScopeMappings) != 1 || realm.ScopeMappings[0].Client != "titrepro-web" || !slices.Equal(realm.ScopeMappings[0].Roles, roles) {
		t.Errorf("scope mappings %+v: want the client limited to the titrepro roles %v", realm.ScopeMappings, roles)
	}

	// The centre attribute must be declared in the user profile, or
	// Keycloak refuses to store it.
	profiles := realm.Components["org.keycloak.userprofile.UserProfileProvider"]
	if len(profiles) != 1 || len(profiles[0].Config["kc.user.profile.config"]) != 1 {
		t.Fatal("the realm has no declarative user profile")
	}
	var profile struct {
		Attributes []profileAttribute `json:"attributes"`
	}
	if err := json.Unmarshal([]byte(profiles[0].Config["kc.user.profile.config"][0]), &profile); err != nil {
		t.Fatalf("user profile: %v", err)
	}
	i := slices.IndexFunc(profile.Attributes, func(a profileAttribute) bool { return a.Name == "centre" })
	if i < 0 {
		t.Fatal("the user profile does not declare the centre attribute")
	}
	if edit := profile.Attributes[i].Permissions.Edit; !slices.Equal(edit, []string{"admin"}) {
		t.Errorf("centre is editable by %v; want admin only (a user must not choose their centre)", edit)
	}
}
