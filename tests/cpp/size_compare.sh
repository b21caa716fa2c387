#!/bin/sh
# make test-cpp: code size of the same cell calls through the C macros
# (size_c.c) and through pram::Cell (size_cpp.cpp), per function (bytes and
# instructions) and linked into the same program with the core library
# (-nostdlib, --gc-sections).  Fails if the C++ program is larger.
# Usage: size_compare.sh C_OBJ CPP_OBJ C_ELF CPP_ELF  (NM, OBJDUMP, SIZE in
# the environment: the cross tools).
set -eu
c_obj=$1 cpp_obj=$2 c_elf=$3 cpp_elf=$4

fsize() { # object function -> bytes
    "$NM" -S "$1" | awk -v f="$2" '$4 == f { printf "%d\n", "0x" $2 }'
}
insns() { # object function -> instructions (literal-pool words not counted)
    "$OBJDUMP" -d --no-show-raw-insn "$1" |
        awk -v f="<$2>:" '$2 == f { on = 1; next } on && NF == 0 { exit }
                          on && $2 != ".word" && $2 != ".short" { n++ } END { print n + 0 }'
}
text() { "$SIZE" "$1" | awk 'NR == 2 { print $1 }'; }

printf '  %-20s %14s %14s\n' "cortex-m4 -Os" "C (B / insns)" "C++ (B / insns)"
for f in size_set_single size_get_single size_set_ab size_get_ab size_invalidate_ab size_edit_ab; do
    printf '  %-20s %8s / %3s %8s / %3s\n' "${f#size_}" "$(fsize "$c_obj" $f)" "$(insns "$c_obj" $f)" \
        "$(fsize "$cpp_obj" $f)" "$(insns "$cpp_obj" $f)"
done
ct=$(text "$c_elf") cppt=$(text "$cpp_elf")
echo "  whole program with the core: C $ct B of text, C++ $cppt B"
if [ "$cppt" -gt "$ct" ]; then
    echo "test-cpp: the C++ program is larger than the C one"
    exit 1
fi
