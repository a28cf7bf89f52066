# Sourced by the benches' scripts: `needs "PACKAGES" TOOL…` exits, naming the script (`$script`),
# the missing tool and the Debian packages that install what it needs, unless every TOOL is on
# the path. The caller has `cd`'d to the workspace root.
needs() {
    local packages=$1 tool
    shift
    for tool in "$@"; do
        if ! command -v "$tool" >/dev/null; then
            echo "$script needs $tool (Debian: apt-get install $packages)" >&2
            exit 1
        fi
    done
}
