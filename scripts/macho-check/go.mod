module ionos-registry-token/macho-check

go 1.24

require github.com/blacktop/go-macho v1.1.297

require github.com/blacktop/go-dwarf v1.1.0 // indirect
