// The ParleyStore module; see Package.swift for its role.
