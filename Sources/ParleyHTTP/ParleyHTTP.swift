// The ParleyHTTP module; see Package.swift for its role.
