// The GGUFRuntime module; see Package.swift for its role.
