// The ParleyEngine module; see Package.swift for its role.
