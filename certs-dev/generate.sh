#!/usr/bin/env bash
# Liaison development PKI generator.
#
# DEVELOPMENT ONLY. Every private key produced here is UNENCRYPTED and is
# committed to the repository on purpose. Never use any of these keys or
# certificates outside a development / test environment.
#
# Usage: bash certs-dev/generate.sh   (from any directory)
#        bash certs-dev/generate.sh --directory-only         (re-sign the directory only)
#        bash certs-dev/generate.sh --next-generation-only   (reissue FT-25/next/ only)
#
# The script is idempotent: it deletes every file it owns and regenerates
# everything from scratch (new keys, new certificates, new CRL, new signed
# directory). The openssl CA configuration and database live in a temporary
# directory that is removed at the end.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
HERE="$(pwd)"

PASS="changeit"
CA_START="20260101000000Z"
CA_END="20460101000000Z"
LEAF_START="20260101000000Z"
LEAF_END="20360101000000Z"
EXPIRED_START="20200101000000Z"
EXPIRED_END="20210101000000Z"
ISSUED_AT="2026-11-23T00:00:00Z"
# The participant with a second generation of keys (<ID>/next/), for key rollover tests: its
# certificates become valid later than the first generation's, so they are the newest.
ROLLOVER_ID="FT-25"
NEXT_START="20261101000000Z"
NEXT_END="20361101000000Z"
ORG_NET="Liaison development network"

# Participants, in directory order: ID|name|kind|department
PARTICIPANTS=(
  "FT-25|France Travail Doubs|FRANCE_TRAVAIL|25"
  "CD-25|Département du Doubs|DEPARTEMENT|25"
  "FT-17|France Travail Charente-Maritime (Lagord)|FRANCE_TRAVAIL|17"
  "CD-17|Département de la Charente-Maritime (délégation du pays d'Aunis)|DEPARTEMENT|17"
  "FT-29|France Travail Finistère|FRANCE_TRAVAIL|29"
  "CD-29|Département du Finistère|DEPARTEMENT|29"
  "CCAS-29232|CCAS de Quimper|CCAS|29"
)
# Test identities (all kind CCAS, department 29). Those listed in the
# directory come first, in directory order; TEST-UNLISTED is not listed.
TESTS=(
  "TEST-REVOKED|Test identity, revoked|CCAS|29"
  "TEST-EXPIRED|Test identity, expired|CCAS|29"
  "TEST-RSA|Test identity, RSA|CCAS|29"
  "TEST-ROGUE|Test identity, untrusted CA|CCAS|29"
  "TEST-UNLISTED|Test identity, not in directory|CCAS|29"
)

log() { printf '==> %s\n' "$*"; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# --directory-only: keep every key and certificate, rebuild and re-sign the directory only
# (after editing conventions.json, say).
DIRECTORY_ONLY=false
[[ "${1:-}" == --directory-only ]] && DIRECTORY_ONLY=true
# --next-generation-only: keep everything else, reissue only the second generation of $ROLLOVER_ID.
NEXT_ONLY=false
[[ "${1:-}" == --next-generation-only ]] && NEXT_ONLY=true

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

if [[ "$DIRECTORY_ONLY" == false && "$NEXT_ONLY" == false ]]; then
# ---------------------------------------------------------------- cleanup ---
log "Removing previously generated files"
rm -f network-ca.crt.pem network-ca.key.pem network-ca.crl.pem \
      network-operator.crt.pem network-operator.key.pem \
      directory.json directory.signed
for entry in "${PARTICIPANTS[@]}"; do rm -rf "./${entry%%|*}"; done
rm -rf ./test


fi

# --------------------------------------------------------- openssl config ---
# $1 = CA directory (database lives there), $2 = CA cert, $3 = CA key
write_ca_config() {
  local dir="$1" cert="$2" key="$3"
  mkdir -p "$dir/newcerts"
  : > "$dir/index.txt"
  echo "unique_subject = no" > "$dir/index.txt.attr"
  echo "1000" > "$dir/serial"
  echo "1000" > "$dir/crlnumber"
  cat > "$dir/openssl.cnf" <<EOF
[ ca ]
default_ca = liaison_ca

[ liaison_ca ]
dir              = $dir
database         = \$dir/index.txt
new_certs_dir    = \$dir/newcerts
serial           = \$dir/serial
crlnumber        = \$dir/crlnumber
certificate      = $cert
private_key      = $key
default_md       = sha256
default_crl_days = 3650
policy           = policy_any
unique_subject   = no
preserve         = yes
email_in_dn      = no
copy_extensions  = none
string_mask      = utf8only
utf8             = yes
name_opt         = multiline,utf8,-esc_msb
cert_opt         = ca_default
crl_extensions   = crl_ext

[ policy_any ]
countryName            = optional
organizationName       = optional
organizationalUnitName = optional
commonName             = supplied

[ req ]
distinguished_name = req_dn
string_mask        = utf8only
utf8               = yes
prompt             = no

[ req_dn ]
CN = placeholder

[ ext_ca ]
basicConstraints     = critical, CA:true
keyUsage             = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[ ext_operator ]
basicConstraints       = critical, CA:false
keyUsage               = critical, digitalSignature
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ ext_sign ]
basicConstraints       = critical, CA:false
keyUsage               = critical, digitalSignature, nonRepudiation
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ ext_encrypt_ec ]
basicConstraints       = critical, CA:false
keyUsage               = critical, keyAgreement
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ ext_encrypt_rsa ]
basicConstraints       = critical, CA:false
keyUsage               = critical, keyEncipherment, dataEncipherment
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ ext_tls ]
basicConstraints       = critical, CA:false
keyUsage               = critical, digitalSignature, keyAgreement
extendedKeyUsage       = serverAuth, clientAuth
subjectAltName         = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always

[ crl_ext ]
authorityKeyIdentifier = keyid:always
EOF
}

gen_ec_key()  { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 \
                  -pkeyopt ec_param_enc:named_curve -out "$1" 2>/dev/null; chmod 644 "$1"; }
gen_rsa_key() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null; chmod 644 "$1"; }

# issue <cadir> <key> <subject> <extsection> <start> <end> <outcert> [selfsign]
issue() {
  local cadir="$1" key="$2" subj="$3" ext="$4" start="$5" end="$6" out="$7" self="${8:-}"
  local csr="$WORK/req.csr"
  openssl req -config "$cadir/openssl.cnf" -new -utf8 -key "$key" -subj "$subj" -out "$csr"
  local extra=()
  [[ -n "$self" ]] && extra=(-selfsign -keyfile "$key")
  openssl ca -batch -config "$cadir/openssl.cnf" -utf8 -notext -md sha256 \
    "${extra[@]}" -extensions "$ext" -startdate "$start" -enddate "$end" \
    -in "$csr" -out "$out" 2>"$WORK/ca.log" || { cat "$WORK/ca.log" >&2; die "openssl ca failed for $subj"; }
  rm -f "$csr"
}

# make_ca <cadir> <certout> <keyout> <subject>
make_ca() {
  local cadir="$1" crt="$2" key="$3" subj="$4"
  write_ca_config "$cadir" "$crt" "$key"
  gen_ec_key "$key"
  issue "$cadir" "$key" "$subj" ext_ca "$CA_START" "$CA_END" "$crt" selfsign
}

# p12 <dir> <ca cert>: keystore.p12 with aliases sign, encrypt, tls
make_p12() {
  local dir="$1" cacrt="$2" alias
  rm -f "$dir/keystore.p12"
  for alias in sign encrypt tls; do
    openssl pkcs12 -export -inkey "$dir/$alias.key.pem" -in "$dir/$alias.crt.pem" \
      -certfile "$cacrt" -passout "pass:$PASS" -out "$WORK/$alias.p12"
    keytool -importkeystore -noprompt \
      -srckeystore "$WORK/$alias.p12" -srcstoretype PKCS12 -srcstorepass "$PASS" -srcalias 1 \
      -destkeystore "$dir/keystore.p12" -deststoretype PKCS12 -deststorepass "$PASS" \
      -destkeypass "$PASS" -destalias "$alias" >/dev/null 2>&1 \
      || die "keytool import of $alias into $dir/keystore.p12 failed"
    rm -f "$WORK/$alias.p12"
  done
  local listing
  listing="$(keytool -list -storetype PKCS12 -keystore "$dir/keystore.p12" -storepass "$PASS" 2>/dev/null)"
  for alias in sign encrypt tls; do
    grep -q "^$alias, .*PrivateKeyEntry" <<<"$listing" || die "$dir/keystore.p12: alias $alias missing"
  done
  [[ "$(grep -c PrivateKeyEntry <<<"$listing")" == 3 ]] || die "$dir/keystore.p12: expected 3 entries"
}

# identity <cadir> <cacrt> <dir> <id> <name> <variant>
# variant: normal | expired | rsa
make_identity() {
  local cadir="$1" cacrt="$2" dir="$3" id="$4" name="$5" variant="${6:-normal}"
  mkdir -p "$dir"
  local base="/C=FR/O=$name/OU=$id/CN=$id"
  local sstart="$LEAF_START" send="$LEAF_END" encext=ext_encrypt_ec
  if [[ "$variant" == rsa ]]; then
    gen_rsa_key "$dir/sign.key.pem"; gen_rsa_key "$dir/encrypt.key.pem"; encext=ext_encrypt_rsa
  else
    gen_ec_key "$dir/sign.key.pem"; gen_ec_key "$dir/encrypt.key.pem"
  fi
  gen_ec_key "$dir/tls.key.pem"
  [[ "$variant" == expired ]] && { sstart="$EXPIRED_START"; send="$EXPIRED_END"; }
  issue "$cadir" "$dir/sign.key.pem"    "$base signing"    ext_sign "$sstart"     "$send"     "$dir/sign.crt.pem"
  issue "$cadir" "$dir/encrypt.key.pem" "$base encryption" "$encext" "$LEAF_START" "$LEAF_END" "$dir/encrypt.crt.pem"
  issue "$cadir" "$dir/tls.key.pem"     "$base tls"        ext_tls  "$LEAF_START" "$LEAF_END" "$dir/tls.crt.pem"
  make_p12 "$dir" "$cacrt"
  # Bearer token of the institution's software on its local API (development credential).
  openssl rand -base64 36 | tr '+/' '-_' | tr -d '=\n' > "$dir/local-client.token"
  # Password of the security officer (user "officer") on the node's audit API and pages.
  openssl rand -base64 18 | tr '+/' '-_' | tr -d '=\n' > "$dir/officer.password"
}

# next_generation <cadir>: a second generation of $ROLLOVER_ID's keys in $ROLLOVER_ID/next/ (same
# subjects, later validity), as the participant would hold them to roll its keys over.
make_next_generation() {
  local cadir="$1" id="$ROLLOVER_ID" name dir entry
  for entry in "${PARTICIPANTS[@]}"; do [[ "${entry%%|*}" == "$id" ]] && IFS='|' read -r _ name _ _ <<<"$entry"; done
  dir="$HERE/$id/next"
  rm -rf "$dir"; mkdir -p "$dir"
  local base="/C=FR/O=$name/OU=$id/CN=$id"
  gen_ec_key "$dir/sign.key.pem"; gen_ec_key "$dir/encrypt.key.pem"; gen_ec_key "$dir/tls.key.pem"
  issue "$cadir" "$dir/sign.key.pem"    "$base signing"    ext_sign       "$NEXT_START" "$NEXT_END" "$dir/sign.crt.pem"
  issue "$cadir" "$dir/encrypt.key.pem" "$base encryption" ext_encrypt_ec "$NEXT_START" "$NEXT_END" "$dir/encrypt.crt.pem"
  issue "$cadir" "$dir/tls.key.pem"     "$base tls"        ext_tls        "$NEXT_START" "$NEXT_END" "$dir/tls.crt.pem"
  make_p12 "$dir" "$HERE/network-ca.crt.pem"
}

NETCA="$WORK/netca"
if [[ "$NEXT_ONLY" == true ]]; then
  log "Second generation of $ROLLOVER_ID keys, from the existing network CA"
  write_ca_config "$NETCA" "$HERE/network-ca.crt.pem" "$HERE/network-ca.key.pem"
  # A fresh CA database: random serials, so that none repeats one the CA issued before.
  echo "70$(openssl rand -hex 15)" > "$NETCA/serial"
  make_next_generation "$NETCA"
  for c in sign encrypt tls; do
    openssl verify -crl_check -CAfile network-ca.crt.pem -CRLfile network-ca.crl.pem "$ROLLOVER_ID/next/$c.crt.pem" >/dev/null \
      || die "$ROLLOVER_ID/next/$c.crt.pem does not verify"
  done
  log "Done: $ROLLOVER_ID/next/ (DEVELOPMENT ONLY)"
  exit 0
fi

if [[ "$DIRECTORY_ONLY" == false ]]; then
# --------------------------------------------------------------- network ---

log "Network CA"
make_ca "$NETCA" "$HERE/network-ca.crt.pem" "$HERE/network-ca.key.pem" \
  "/C=FR/O=$ORG_NET/CN=Liaison Dev Network CA"

log "Network operator"
gen_ec_key network-operator.key.pem
issue "$NETCA" network-operator.key.pem "/C=FR/O=$ORG_NET/CN=Liaison Dev Network Operator" \
  ext_operator "$LEAF_START" "$LEAF_END" network-operator.crt.pem

for entry in "${PARTICIPANTS[@]}"; do
  IFS='|' read -r id name kind dept <<<"$entry"
  log "Participant $id"
  make_identity "$NETCA" "$HERE/network-ca.crt.pem" "$HERE/$id" "$id" "$name"
done
log "Participant $ROLLOVER_ID, second generation (next/)"
make_next_generation "$NETCA"

# ---------------------------------------------------------- test identities ---
mkdir -p test
ROGUECA="$WORK/rogueca"
log "Rogue CA"
make_ca "$ROGUECA" "$HERE/test/rogue-ca.crt.pem" "$HERE/test/rogue-ca.key.pem" "/C=FR/O=Rogue/CN=Rogue CA"

for entry in "${TESTS[@]}"; do
  IFS='|' read -r id name kind dept <<<"$entry"
  log "Test identity $id"
  case "$id" in
    TEST-EXPIRED) make_identity "$NETCA"   "$HERE/network-ca.crt.pem" "$HERE/test/$id" "$id" "$name" expired ;;
    TEST-RSA)     make_identity "$NETCA"   "$HERE/network-ca.crt.pem" "$HERE/test/$id" "$id" "$name" rsa ;;
    TEST-ROGUE)   make_identity "$ROGUECA" "$HERE/test/rogue-ca.crt.pem" "$HERE/test/$id" "$id" "$name" ;;
    *)            make_identity "$NETCA"   "$HERE/network-ca.crt.pem" "$HERE/test/$id" "$id" "$name" ;;
  esac
done

# -------------------------------------------------------------------- CRL ---
log "Revoking TEST-REVOKED signing certificate, generating CRL"
openssl ca -batch -config "$NETCA/openssl.cnf" -revoke test/TEST-REVOKED/sign.crt.pem \
  -crl_reason keyCompromise 2>"$WORK/ca.log" || { cat "$WORK/ca.log" >&2; die "revocation failed"; }
openssl ca -batch -config "$NETCA/openssl.cnf" -gencrl -md sha256 -crldays 3650 \
  -out network-ca.crl.pem 2>"$WORK/ca.log" || { cat "$WORK/ca.log" >&2; die "CRL generation failed"; }

fi # end of key and certificate generation

# -------------------------------------------------------------- directory ---
log "directory.json"
DIRLIST="$WORK/dirlist.tsv"
: > "$DIRLIST"
n=0
for entry in "${PARTICIPANTS[@]}"; do
  n=$((n + 1)); IFS='|' read -r id name kind dept <<<"$entry"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$name" "$kind" "$dept" "$n" "$id" >> "$DIRLIST"
done
for entry in "${TESTS[@]}"; do
  IFS='|' read -r id name kind dept <<<"$entry"
  [[ "$id" == TEST-UNLISTED ]] && continue
  n=$((n + 1))
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$name" "$kind" "$dept" "$n" "test/$id" >> "$DIRLIST"
done

python3 - "$DIRLIST" "$ISSUED_AT" > directory.json <<'PY'
import json, sys

def pem(path):
    with open(path, encoding="ascii") as f:
        return f.read()

participants = []
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        pid, name, kind, dept, n, d = line.rstrip("\n").split("\t")
        n = int(n)
        participants.append({
            "id": pid,
            "name": name,
            "kind": kind,
            "department": dept,
            "localApi": "http://127.0.0.1:%d" % (8080 + n),
            "exchangeEndpoint": "https://127.0.0.1:%d/exchange/v1/envelopes" % (8440 + n),
            "certificates": {
                "signing": pem(d + "/sign.crt.pem"),
                "encryption": pem(d + "/encrypt.crt.pem"),
                "tls": pem(d + "/tls.crt.pem"),
            },
        })

with open("conventions.json", encoding="utf-8") as f:
    conventions = json.load(f)["conventions"]

doc = {
    "network": "liaison-dev",
    "version": 1,
    "issuedAt": sys.argv[2],
    "participants": participants,
    "conventions": conventions,
    "crls": [pem("network-ca.crl.pem")],
}
out = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
sys.stdout.buffer.write(out.encode("utf-8"))
PY

log "directory.signed"
openssl cms -sign -binary -nodetach -md sha256 -outform DER \
  -signer network-operator.crt.pem -inkey network-operator.key.pem \
  -in directory.json -out directory.signed

# ---------------------------------------------------------- sanity checks ---
log "Sanity checks"
openssl cms -verify -binary -inform DER -in directory.signed -CAfile network-ca.crt.pem \
  -out "$WORK/directory.check" 2>/dev/null || die "directory.signed does not verify"
cmp -s "$WORK/directory.check" directory.json || die "directory.signed content differs from directory.json"

expect_ok() {  # expect_ok <cafile> <cert> [extra args]
  local ca="$1" crt="$2"; shift 2
  openssl verify "$@" -CAfile "$ca" "$crt" >/dev/null 2>&1 || die "verify should succeed: $crt $*"
}
expect_fail() {  # expect_fail <pattern> <cafile> <cert> [extra args]
  local pat="$1" ca="$2" crt="$3" out; shift 3
  if out="$(openssl verify "$@" -CAfile "$ca" "$crt" 2>&1)"; then die "verify should fail: $crt $*"; fi
  grep -qi "$pat" <<<"$out" || die "verify of $crt failed for an unexpected reason: $out"
}

checked=0
expect_ok network-ca.crt.pem network-operator.crt.pem; checked=$((checked + 1))
for entry in "${PARTICIPANTS[@]}"; do
  id="${entry%%|*}"
  for c in sign encrypt tls; do
    expect_ok network-ca.crt.pem "$id/$c.crt.pem"
    expect_ok network-ca.crt.pem "$id/$c.crt.pem" -crl_check -CRLfile network-ca.crl.pem
    checked=$((checked + 1))
  done
done
for c in sign encrypt tls; do
  expect_ok network-ca.crt.pem "$ROLLOVER_ID/next/$c.crt.pem" -crl_check -CRLfile network-ca.crl.pem
  checked=$((checked + 1))
done
for id in TEST-REVOKED TEST-RSA TEST-UNLISTED; do
  for c in sign encrypt tls; do expect_ok network-ca.crt.pem "test/$id/$c.crt.pem"; checked=$((checked + 1)); done
done
for c in encrypt tls; do expect_ok network-ca.crt.pem "test/TEST-EXPIRED/$c.crt.pem"; checked=$((checked + 1)); done
for c in sign encrypt tls; do
  expect_ok test/rogue-ca.crt.pem "test/TEST-ROGUE/$c.crt.pem"
  expect_fail "unable to get local issuer certificate" network-ca.crt.pem "test/TEST-ROGUE/$c.crt.pem"
done
expect_fail "certificate revoked" network-ca.crt.pem test/TEST-REVOKED/sign.crt.pem \
  -crl_check -CRLfile network-ca.crl.pem
expect_ok network-ca.crt.pem test/TEST-REVOKED/encrypt.crt.pem -crl_check -CRLfile network-ca.crl.pem
expect_fail "certificate has expired" network-ca.crt.pem test/TEST-EXPIRED/sign.crt.pem
openssl crl -in network-ca.crl.pem -noout -verify -CAfile network-ca.crt.pem 2>/dev/null \
  || die "CRL signature does not verify"

# ---------------------------------------------------------------- summary ---
revoked_serial="$(openssl x509 -in test/TEST-REVOKED/sign.crt.pem -noout -serial | cut -d= -f2)"
cat <<EOF

Liaison development PKI generated in $HERE  (DEVELOPMENT ONLY)
  network CA        : $(openssl x509 -in network-ca.crt.pem -noout -subject -nameopt RFC2253,utf8,-esc_msb | sed 's/^subject=//')
  operator          : $(openssl x509 -in network-operator.crt.pem -noout -subject -nameopt RFC2253,utf8,-esc_msb | sed 's/^subject=//')
  participants      : $(for e in "${PARTICIPANTS[@]}"; do printf '%s ' "${e%%|*}"; done)
  second generation : $ROLLOVER_ID/next/ (valid from $NEXT_START, not in the directory)
  test identities   : $(for e in "${TESTS[@]}"; do printf '%s ' "${e%%|*}"; done)
  directory entries : $(python3 -c 'import json;print(len(json.load(open("directory.json",encoding="utf-8"))["participants"]))')
  CRL               : revokes serial $revoked_serial (TEST-REVOKED signing), keyCompromise
  certificates OK   : $checked verified against the network CA; revoked / expired / rogue rejected as expected
  directory.signed  : CMS signature verified against network-ca.crt.pem
  keystores         : PKCS12, password '$PASS', aliases sign/encrypt/tls
EOF
