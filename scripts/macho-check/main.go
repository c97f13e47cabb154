// macho-check: an independent checker of the embedded (e.g. ad-hoc) code signature of a thin 64-bit Mach-O.
//
//	macho-check FILE
//
// Why: the project writes and re-signs macOS executables on Linux, where Apple's `codesign --verify` does not
// exist. This program gives a second opinion that shares no code with our TypeScript signer: github.com/blacktop/
// go-macho reads the load commands and parses the CodeDirectories, and the page hashes are recomputed here from
// the file's bytes. A mismatch would make macOS kill the process on arm64 (SIGKILL, "Code Signature Invalid").
//
// It prints ONE JSON object on stdout and exits 0 whenever it could print it, valid or not; it exits 2 (message
// on stderr) when FILE is not a readable thin 64-bit Mach-O.
package main

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"os"

	"github.com/blacktop/go-macho"
	cstypes "github.com/blacktop/go-macho/pkg/codesign/types"
	"github.com/blacktop/go-macho/types"
)

// report is the JSON printed on stdout. The top-level fields describe the primary CodeDirectory (the SHA-256
// one when present, as the kernel prefers it); CodeDirectories summarises every CodeDirectory, all of which are
// checked and all of which must match for Valid.
type report struct {
	Arch            string      `json:"arch"`
	Signed          bool        `json:"signed"`
	Identifier      string      `json:"identifier"`
	Flags           uint32      `json:"flags"`
	Adhoc           bool        `json:"adhoc"`
	HashType        uint8       `json:"hashType"`
	PageSize        uint64      `json:"pageSize"`
	CodeLimit       uint64      `json:"codeLimit"`
	CodeSlots       uint32      `json:"codeSlots"`
	BadSlots        int         `json:"badSlots"`
	ExecSegBase     uint64      `json:"execSegBase"`
	ExecSegLimit    uint64      `json:"execSegLimit"`
	ExecSegFlags    uint64      `json:"execSegFlags"`
	CdVersion       uint32      `json:"cdVersion"`
	Blobs           []blobInfo  `json:"blobs"`
	CodeDirectories []cdSummary `json:"codeDirectories"`
	Valid           bool        `json:"valid"`
	Problems        []string    `json:"problems"`
}

// blobInfo is one entry of the SuperBlob's index.
type blobInfo struct {
	Slot     uint32 `json:"slot"`
	SlotName string `json:"slotName"`
	Magic    string `json:"magic"`
	Offset   uint32 `json:"offset"`
	Length   uint32 `json:"length"`
}

type cdSummary struct {
	HashType  uint8  `json:"hashType"`
	CodeSlots uint32 `json:"codeSlots"`
	BadSlots  int    `json:"badSlots"`
	CDHash    string `json:"cdHash"`
}

const csAdhoc = 0x2 // CS_ADHOC in the CodeDirectory flags

func main() {
	if len(os.Args) != 2 {
		fail("usage: macho-check FILE (a thin 64-bit Mach-O)")
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fail("cannot open: %v", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		fail("cannot stat: %v", err)
	}
	var magic [4]byte
	if _, err := f.ReadAt(magic[:], 0); err != nil {
		fail("%s: cannot read the Mach-O magic: %v", os.Args[1], err)
	}
	// A universal binary holds one signature per slice; this checker takes one slice (lipo -thin) at a time.
	if m := binary.BigEndian.Uint32(magic[:]); m == 0xcafebabe || m == 0xcafebabf {
		fail("%s: fat (universal) Mach-O is not supported; check one thin slice", os.Args[1])
	}

	mf, sigErr, err := open(f)
	if err != nil {
		fail("%s: not a readable Mach-O: %v", os.Args[1], err)
	}
	if mf.Magic != types.Magic64 {
		fail("%s: only 64-bit Mach-O is supported (magic %#x)", os.Args[1], uint32(mf.Magic))
	}

	r := report{Arch: archName(mf.CPU), Blobs: []blobInfo{}, CodeDirectories: []cdSummary{}, Problems: []string{}}
	switch cs := mf.CodeSignature(); {
	case sigErr != nil:
		// The file is a Mach-O, but go-macho could not parse its signature: signed, and certainly not valid.
		r.Signed = true
		r.Problems = append(r.Problems, "go-macho cannot parse the code signature: "+sigErr.Error())
	case cs == nil:
		r.Problems = append(r.Problems, "no LC_CODE_SIGNATURE load command")
	default:
		r.Signed = true
		check(&r, f, st.Size(), mf, cs)
	}
	r.Valid = r.Signed && len(r.Problems) == 0
	out, err := json.Marshal(r)
	if err != nil {
		fail("cannot encode the report: %v", err)
	}
	fmt.Println(string(out))
}

// open parses f with go-macho. go-macho parses LC_CODE_SIGNATURE inside NewFile, so a damaged signature fails
// the whole file; to tell "not a Mach-O" (exit 2) from "a Mach-O with a broken signature" (a report), a failed
// parse is retried without that load command, and the first error is then returned as sigErr.
func open(f io.ReaderAt) (mf *macho.File, sigErr, err error) {
	// go-macho prints some warnings about odd CodeDirectory versions with fmt.Printf; stdout is for our JSON.
	stdout := os.Stdout
	os.Stdout = os.Stderr
	defer func() { os.Stdout = stdout }()

	if mf, err = macho.NewFile(f); err == nil {
		return mf, nil, nil
	}
	mf, err2 := macho.NewFile(f, macho.FileConfig{LoadExcluding: []types.LoadCmd{types.LC_CODE_SIGNATURE}})
	if err2 != nil {
		return nil, nil, err
	}
	return mf, err, nil
}

// check fills r from the signature cs of mf (read from f, fileSize bytes long) and records every problem.
func check(r *report, f io.ReaderAt, fileSize int64, mf *macho.File, cs *macho.CodeSignature) {
	dataOff, dataSize := uint64(cs.Offset), uint64(cs.Size)
	problem := func(format string, a ...any) { r.Problems = append(r.Problems, fmt.Sprintf(format, a...)) }

	// The kernel finds the signature through LC_CODE_SIGNATURE and maps it from __LINKEDIT, which must hold it
	// whole; codesign also places it at the very end of the file.
	if uint64(fileSize) < dataOff+dataSize {
		problem("file is %d bytes, shorter than the signature's end %d (dataoff %d + datasize %d)",
			fileSize, dataOff+dataSize, dataOff, dataSize)
	}
	if le := mf.Segment("__LINKEDIT"); le == nil {
		problem("no __LINKEDIT segment")
	} else if dataOff < le.Offset || dataOff+dataSize > le.Offset+le.Filesz {
		problem("signature [%d, %d) is not inside __LINKEDIT's file range [%d, %d)",
			dataOff, dataOff+dataSize, le.Offset, le.Offset+le.Filesz)
	}

	// go-macho keeps the parsed blobs but not the SuperBlob's index, so the index is read here (with go-macho's
	// types) to list the blobs and to hash the ones the special slots bind.
	sig := make([]byte, dataSize)
	if _, err := f.ReadAt(sig, int64(dataOff)); err != nil {
		problem("cannot read the signature: %v", err)
		return
	}
	blobs := readBlobs(r, sig, problem)

	cds := cs.CodeDirectories
	nCDBlobs := 0
	for _, b := range r.Blobs {
		if b.Magic == fmt.Sprintf("%#x", uint32(cstypes.MAGIC_CODEDIRECTORY)) {
			nCDBlobs++
		}
	}
	if len(cds) != nCDBlobs || len(cds) == 0 {
		problem("the SuperBlob has %d CodeDirectory blobs, go-macho parsed %d", nCDBlobs, len(cds))
	}
	if len(cds) == 0 {
		return
	}
	primary := 0
	for i, cd := range cds {
		if cd.Header.HashType == cstypes.HASHTYPE_SHA256 {
			primary = i
			break
		}
	}
	for i := range cds {
		bad := checkCD(r, f, dataOff, &cds[i], blobs, problem)
		if i == primary {
			cd := &cds[i]
			h := &cd.Header
			r.Identifier, r.Flags, r.Adhoc = cd.ID, uint32(h.Flags), uint32(h.Flags)&csAdhoc != 0
			r.HashType, r.PageSize, r.CodeLimit = uint8(h.HashType), pageBytes(cd), codeLimit(cd)
			r.CodeSlots, r.BadSlots, r.CdVersion = h.NCodeSlots, bad, uint32(h.Version)
			r.ExecSegBase, r.ExecSegLimit, r.ExecSegFlags = h.ExecSegBase, h.ExecSegLimit, uint64(h.ExecSegFlags)
		}
	}
}

// readBlobs lists the SuperBlob's index into r.Blobs and returns each blob's bytes by slot type.
func readBlobs(r *report, sig []byte, problem func(string, ...any)) map[uint32][]byte {
	blobs := map[uint32][]byte{}
	var sb cstypes.SbHeader
	if err := binary.Read(bytes.NewReader(sig), binary.BigEndian, &sb); err != nil {
		problem("cannot read the SuperBlob header: %v", err)
		return blobs
	}
	if sb.Magic != cstypes.MAGIC_EMBEDDED_SIGNATURE {
		problem("SuperBlob magic is %#x, want %#x", uint32(sb.Magic), uint32(cstypes.MAGIC_EMBEDDED_SIGNATURE))
	}
	if uint64(sb.Length) > uint64(len(sig)) {
		problem("SuperBlob length %d exceeds datasize %d", sb.Length, len(sig))
	}
	if uint64(sb.Count) > uint64(len(sig)-12)/8 {
		problem("SuperBlob index of %d entries does not fit in %d bytes", sb.Count, len(sig))
		return blobs
	}
	index := make([]cstypes.BlobIndex, sb.Count)
	if err := binary.Read(bytes.NewReader(sig[12:]), binary.BigEndian, index); err != nil {
		problem("cannot read the SuperBlob index (%d entries): %v", sb.Count, err)
		return blobs
	}
	for _, ix := range index {
		var bh cstypes.BlobHeader
		if uint64(ix.Offset)+8 > uint64(len(sig)) {
			problem("blob %#x at %d lies outside the signature", uint32(ix.Type), ix.Offset)
			continue
		}
		_ = binary.Read(bytes.NewReader(sig[ix.Offset:]), binary.BigEndian, &bh)
		r.Blobs = append(r.Blobs, blobInfo{
			Slot: uint32(ix.Type), SlotName: ix.Type.String(), Magic: fmt.Sprintf("%#x", uint32(bh.Magic)),
			Offset: ix.Offset, Length: bh.Length,
		})
		if uint64(ix.Offset)+uint64(bh.Length) > uint64(len(sig)) {
			problem("blob %#x (%d bytes at %d) runs past the signature", uint32(ix.Type), bh.Length, ix.Offset)
			continue
		}
		blobs[uint32(ix.Type)] = sig[ix.Offset : ix.Offset+bh.Length]
	}
	return blobs
}

// checkCD recomputes every code-slot hash of cd (and the special slots of blobs inside the SuperBlob) and
// returns how many code slots differ.
func checkCD(r *report, f io.ReaderAt, dataOff uint64, cd *cstypes.CodeDirectory, blobs map[uint32][]byte,
	problem func(string, ...any)) int {
	h := &cd.Header
	name := fmt.Sprintf("CodeDirectory (hashType %d)", h.HashType)
	newHash := hasher(uint8(h.HashType))
	sum := cdSummary{HashType: uint8(h.HashType), CodeSlots: h.NCodeSlots, CDHash: cd.CDHash}
	defer func() { r.CodeDirectories = append(r.CodeDirectories, sum) }()
	if newHash == nil {
		problem("%s: hash type %d is not supported by this checker", name, h.HashType)
		return 0
	}
	if int(h.HashSize) != newHash().Size() {
		problem("%s: hashSize %d, want %d", name, h.HashSize, newHash().Size())
		return 0
	}

	// The signed range is [0, codeLimit): everything before the signature itself.
	limit, page := codeLimit(cd), pageBytes(cd)
	if limit != dataOff {
		problem("%s: codeLimit %d != signature dataoff %d", name, limit, dataOff)
	}
	if want := (limit + page - 1) / page; uint64(h.NCodeSlots) != want || len(cd.CodeSlots) != int(h.NCodeSlots) {
		problem("%s: %d code slots (%d parsed), want ceil(%d/%d) = %d",
			name, h.NCodeSlots, len(cd.CodeSlots), limit, page, want)
	}
	firstBad := -1
	for i, slot := range cd.CodeSlots {
		start := uint64(i) * page
		n := min(page, limit-min(start, limit)) // the last page is partial
		hh := newHash()
		if _, err := io.Copy(hh, io.NewSectionReader(f, int64(start), int64(n))); err != nil {
			problem("%s: cannot read page %d: %v", name, i, err)
			return len(cd.CodeSlots)
		}
		if !bytes.Equal(hh.Sum(nil), slot.Hash) {
			if sum.BadSlots++; firstBad < 0 {
				firstBad = i
			}
		}
	}
	if sum.BadSlots > 0 {
		problem("%s: %d of %d code slots do not match the file (first: slot %d, file offset %#x)",
			name, sum.BadSlots, len(cd.CodeSlots), firstBad, uint64(firstBad)*page)
	}

	// Special slot n binds the blob of slot type n in the SuperBlob (requirements, entitlements, ...). Slots 1, 3,
	// 4 and 6 bind data outside the binary (Info.plist, resources, ...), which cannot be checked here.
	for _, s := range cd.SpecialSlots {
		slot := cstypes.SlotType(s.Index)
		blob, ok := blobs[s.Index]
		switch {
		case ok:
			hh := newHash()
			hh.Write(blob)
			if !bytes.Equal(hh.Sum(nil), s.Hash) {
				problem("%s: special slot %d (%s) does not match its blob", name, s.Index, slot)
			}
		case slot == cstypes.CSSLOT_INFOSLOT || slot == cstypes.CSSLOT_RESOURCEDIR ||
			slot == cstypes.CSSLOT_APPLICATION || slot == cstypes.CSSLOT_REP_SPECIFIC:
		case !bytes.Equal(s.Hash, make([]byte, len(s.Hash))):
			problem("%s: special slot %d (%s) is bound but its blob is missing", name, s.Index, slot)
		}
	}
	return sum.BadSlots
}

// hasher is the digest of a CodeDirectory's hashType; nil for the types this checker does not implement.
func hasher(t uint8) func() hash.Hash {
	switch t {
	case uint8(cstypes.HASHTYPE_SHA256):
		return sha256.New
	case uint8(cstypes.HASHTYPE_SHA1):
		return sha1.New
	}
	return nil
}

// codeLimit is the 64-bit limit when the CodeDirectory version has one and it is set, else the 32-bit one.
func codeLimit(cd *cstypes.CodeDirectory) uint64 {
	if cd.Header.Version >= cstypes.SUPPORTS_CODELIMIT64 && cd.Header.CodeLimit64 != 0 {
		return cd.Header.CodeLimit64
	}
	return uint64(cd.Header.CodeLimit)
}

// pageBytes is 1<<pageSize; pageSize 0 means one "page" covering the whole signed range.
func pageBytes(cd *cstypes.CodeDirectory) uint64 {
	if cd.Header.PageSize == 0 {
		return max(codeLimit(cd), 1)
	}
	return 1 << cd.Header.PageSize
}

func archName(c types.CPU) string {
	switch c {
	case types.CPUArm64:
		return "arm64"
	case types.CPUAmd64:
		return "x86_64"
	}
	return c.String()
}

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "macho-check: "+format+"\n", a...)
	os.Exit(2)
}
