module github.com/titrepro/titrepro/services/certification

go 1.26.7

require (
	github.com/titrepro/titrepro/internal v0.0.0
	gopkg.in/yaml.v3 v3.0.1
)

replace github.com/titrepro/titrepro/internal => ../../internal
