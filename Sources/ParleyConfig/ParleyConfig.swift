// The ParleyConfig module; see Package.swift for its role.
