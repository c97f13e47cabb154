/**
 * Ad-hoc code signing of a thin 64-bit Mach-O executable, as `codesign --sign -` does it, from any platform.
 *
 * Why: injecting the plugin into the official macOS Node.js binary (`node --build-sea`) removes Apple's
 * signature, and Apple silicon refuses to run unsigned code. An ad-hoc signature names no identity: it is the
 * hash of every page of the file, which the kernel checks as it maps them. No tool in Debian writes one, so this
 * module does, byte for byte the same from the same input (no dates, no randomness).
 *
 * The signature (Apple's "embedded signature" format, big-endian) is a SuperBlob at the end of `__LINKEDIT`,
 * found through an `LC_CODE_SIGNATURE` load command, holding:
 * - a CodeDirectory (version 0x20400): the identifier, SHA-256 of every 4 KiB page below the signature, the
 *   hash of the requirements blob (special slot 2), and the `__TEXT` segment as the executable segment;
 * - an empty requirements set (what `codesign --sign -` writes: ad-hoc code designates itself by its hash);
 * - an empty CMS wrapper (no identity signs it).
 */
import { createHash } from "crypto";

const MH_MAGIC_64 = 0xfeedfacf;
const MACH_HEADER_64_SIZE = 32;
const LC_SEGMENT_64 = 0x19;
const LC_CODE_SIGNATURE = 0x1d;
const SEGMENT_COMMAND_64_SIZE = 72;
const SECTION_64_SIZE = 80;
const LINKEDIT_DATA_COMMAND_SIZE = 16;
const MH_EXECUTE = 2;

const CSMAGIC_EMBEDDED_SIGNATURE = 0xfade0cc0;
const CSMAGIC_CODEDIRECTORY = 0xfade0c02;
const CSMAGIC_REQUIREMENTS = 0xfade0c01;
const CSMAGIC_BLOBWRAPPER = 0xfade0b01;
const CSSLOT_CODEDIRECTORY = 0;
const CSSLOT_REQUIREMENTS = 2;
const CSSLOT_SIGNATURESLOT = 0x10000;
const CS_ADHOC = 0x2;
const CS_EXECSEG_MAIN_BINARY = 0x1;
const CS_HASHTYPE_SHA256 = 2;
const CODEDIRECTORY_VERSION = 0x20400;
/** The CodeDirectory's fixed part for version 0x20400 (through execSegFlags). */
const CODEDIRECTORY_HEADER_SIZE = 88;
const HASH_SIZE = 32;
const PAGE_SHIFT = 12;
const PAGE_SIZE = 1 << PAGE_SHIFT;
/** Two special slots: 1 (Info.plist, none here: zeros) and 2 (the requirements blob). */
const SPECIAL_SLOTS = 2;
/** Segment sizes in memory are multiples of the largest page size macOS uses (16 KiB on Apple silicon). */
const VM_PAGE = 0x4000;

/** A segment load command's place and extent. */
interface Segment {
  name: string;
  commandOffset: number;
  fileOffset: number;
  fileSize: number;
}

/** What the load commands say, as far as signing needs it. */
interface MachOLayout {
  commandsEnd: number;
  firstSectionOffset: number;
  text: Segment;
  linkedit: Segment;
  existingSignature?: { commandOffset: number };
}

function segmentName(file: Buffer, at: number): string {
  return file
    .subarray(at, at + 16)
    .toString("latin1")
    .replace(/\0+$/, "");
}

/** Reads the header and load commands; throws on anything but a thin 64-bit little-endian executable. */
function readLayout(file: Buffer): MachOLayout {
  if (file.length < MACH_HEADER_64_SIZE || file.readUInt32LE(0) !== MH_MAGIC_64) {
    throw new Error("not a thin 64-bit little-endian Mach-O file");
  }
  if (file.readUInt32LE(12) !== MH_EXECUTE) throw new Error("not a Mach-O executable (MH_EXECUTE)");
  const ncmds = file.readUInt32LE(16);
  const commandsEnd = MACH_HEADER_64_SIZE + file.readUInt32LE(20);
  const segments: Segment[] = [];
  let firstSectionOffset = file.length;
  let existingSignature: MachOLayout["existingSignature"];
  for (let i = 0, at = MACH_HEADER_64_SIZE; i < ncmds; i++) {
    const cmd = file.readUInt32LE(at);
    const size = file.readUInt32LE(at + 4);
    if (cmd === LC_SEGMENT_64) {
      segments.push({
        name: segmentName(file, at + 8),
        commandOffset: at,
        fileOffset: Number(file.readBigUInt64LE(at + 40)),
        fileSize: Number(file.readBigUInt64LE(at + 48)),
      });
      const sections = file.readUInt32LE(at + 64);
      for (let s = 0; s < sections; s++) {
        const offset = file.readUInt32LE(at + SEGMENT_COMMAND_64_SIZE + s * SECTION_64_SIZE + 48);
        if (offset > 0) firstSectionOffset = Math.min(firstSectionOffset, offset);
      }
    } else if (cmd === LC_CODE_SIGNATURE) {
      existingSignature = { commandOffset: at };
    }
    at += size;
  }
  const text = segments.find((s) => s.name === "__TEXT");
  const linkedit = segments.find((s) => s.name === "__LINKEDIT");
  if (!text || !linkedit) throw new Error("no __TEXT or __LINKEDIT segment");
  if (linkedit.fileOffset + linkedit.fileSize !== Math.max(...segments.map((s) => s.fileOffset + s.fileSize))) {
    throw new Error("__LINKEDIT is not the last segment in the file");
  }
  return { commandsEnd, firstSectionOffset, text, linkedit, existingSignature };
}

function blobHeader(magic: number, length: number): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(magic, 0);
  header.writeUInt32BE(length, 4);
  return header;
}

/** The CodeDirectory over `code` (the file below the signature). */
function codeDirectory(code: Buffer, identifier: string, text: Segment, requirements: Buffer): Buffer {
  const ident = Buffer.from(`${identifier}\0`, "latin1");
  const codeSlots = Math.ceil(code.length / PAGE_SIZE);
  const hashOffset = CODEDIRECTORY_HEADER_SIZE + ident.length + SPECIAL_SLOTS * HASH_SIZE;
  const cd = Buffer.alloc(hashOffset + codeSlots * HASH_SIZE);
  cd.writeUInt32BE(CSMAGIC_CODEDIRECTORY, 0);
  cd.writeUInt32BE(cd.length, 4);
  cd.writeUInt32BE(CODEDIRECTORY_VERSION, 8);
  cd.writeUInt32BE(CS_ADHOC, 12);
  cd.writeUInt32BE(hashOffset, 16);
  cd.writeUInt32BE(CODEDIRECTORY_HEADER_SIZE, 20); // identOffset
  cd.writeUInt32BE(SPECIAL_SLOTS, 24);
  cd.writeUInt32BE(codeSlots, 28);
  cd.writeUInt32BE(code.length, 32); // codeLimit
  cd.writeUInt8(HASH_SIZE, 36);
  cd.writeUInt8(CS_HASHTYPE_SHA256, 37);
  cd.writeUInt8(0, 38); // platform: not Apple's own code
  cd.writeUInt8(PAGE_SHIFT, 39);
  // 40 spare2, 44 scatterOffset, 48 teamOffset, 52 spare3, 56 codeLimit64: all zero (no scatter, no team,
  // and codeLimit fits in 32 bits: checked by the caller).
  cd.writeBigUInt64BE(BigInt(text.fileOffset), 64); // execSegBase
  cd.writeBigUInt64BE(BigInt(text.fileSize), 72); // execSegLimit
  cd.writeBigUInt64BE(BigInt(CS_EXECSEG_MAIN_BINARY), 80);
  ident.copy(cd, CODEDIRECTORY_HEADER_SIZE);
  // Special slot n sits n hashes before hashOffset; slot 1 (Info.plist) stays zero.
  createHash("sha256")
    .update(requirements)
    .digest()
    .copy(cd, hashOffset - CSSLOT_REQUIREMENTS * HASH_SIZE);
  for (let page = 0; page < codeSlots; page++) {
    createHash("sha256")
      .update(code.subarray(page * PAGE_SIZE, Math.min((page + 1) * PAGE_SIZE, code.length)))
      .digest()
      .copy(cd, hashOffset + page * HASH_SIZE);
  }
  return cd;
}

/** The SuperBlob holding `blobs` by slot, in the order given. */
function superBlob(blobs: Array<{ slot: number; blob: Buffer }>): Buffer {
  const indexSize = 12 + blobs.length * 8;
  const length = indexSize + blobs.reduce((sum, b) => sum + b.blob.length, 0);
  const out = Buffer.alloc(length);
  out.writeUInt32BE(CSMAGIC_EMBEDDED_SIGNATURE, 0);
  out.writeUInt32BE(length, 4);
  out.writeUInt32BE(blobs.length, 8);
  let offset = indexSize;
  blobs.forEach(({ slot, blob }, i) => {
    out.writeUInt32BE(slot, 12 + i * 8);
    out.writeUInt32BE(offset, 16 + i * 8);
    blob.copy(out, offset);
    offset += blob.length;
  });
  return out;
}

/**
 * Returns `input` (a thin 64-bit Mach-O executable, e.g. the output of `node --build-sea`) signed ad hoc under
 * `identifier`. An existing signature is replaced; otherwise an `LC_CODE_SIGNATURE` command is added in the
 * padding after the load commands (throws if there is none).
 */
export function adhocSign(input: Buffer, identifier: string): Buffer {
  const layout = readLayout(input);
  // The code ends where the signature starts: the end of __LINKEDIT's data (without an old signature),
  // 16-byte aligned as ld64 places it.
  let codeEnd = layout.linkedit.fileOffset + layout.linkedit.fileSize;
  let commandOffset: number;
  if (layout.existingSignature) {
    commandOffset = layout.existingSignature.commandOffset;
    codeEnd = input.readUInt32LE(commandOffset + 8);
  } else {
    commandOffset = layout.commandsEnd;
    const roomEnd = commandOffset + LINKEDIT_DATA_COMMAND_SIZE;
    if (roomEnd > layout.firstSectionOffset || input.subarray(commandOffset, roomEnd).some((b) => b !== 0)) {
      throw new Error("no room after the load commands for LC_CODE_SIGNATURE");
    }
  }
  const signatureOffset = Math.ceil(codeEnd / 16) * 16;
  if (signatureOffset >= 2 ** 32) throw new Error("the file is too large for a 32-bit code limit");
  const code = Buffer.alloc(signatureOffset);
  input.copy(code, 0, 0, Math.min(codeEnd, input.length));

  const requirements = Buffer.concat([blobHeader(CSMAGIC_REQUIREMENTS, 12), Buffer.alloc(4)]);
  const cmsWrapper = blobHeader(CSMAGIC_BLOBWRAPPER, 8);
  // The signature's size is known before its content: every part's length depends only on the code's length.
  const cdLength =
    CODEDIRECTORY_HEADER_SIZE +
    Buffer.byteLength(`${identifier}\0`, "latin1") +
    (SPECIAL_SLOTS + Math.ceil(signatureOffset / PAGE_SIZE)) * HASH_SIZE;
  const signatureSize = 12 + 3 * 8 + cdLength + requirements.length + cmsWrapper.length;

  // The load commands are part of the hashed code: write them first.
  if (!layout.existingSignature) {
    code.writeUInt32LE(code.readUInt32LE(16) + 1, 16); // ncmds
    code.writeUInt32LE(code.readUInt32LE(20) + LINKEDIT_DATA_COMMAND_SIZE, 20); // sizeofcmds
    code.writeUInt32LE(LC_CODE_SIGNATURE, commandOffset);
    code.writeUInt32LE(LINKEDIT_DATA_COMMAND_SIZE, commandOffset + 4);
  }
  code.writeUInt32LE(signatureOffset, commandOffset + 8);
  code.writeUInt32LE(signatureSize, commandOffset + 12);
  const linkeditSize = signatureOffset + signatureSize - layout.linkedit.fileOffset;
  code.writeBigUInt64LE(BigInt(Math.ceil(linkeditSize / VM_PAGE) * VM_PAGE), layout.linkedit.commandOffset + 32);
  code.writeBigUInt64LE(BigInt(linkeditSize), layout.linkedit.commandOffset + 48);

  const signature = superBlob([
    { slot: CSSLOT_CODEDIRECTORY, blob: codeDirectory(code, identifier, layout.text, requirements) },
    { slot: CSSLOT_REQUIREMENTS, blob: requirements },
    { slot: CSSLOT_SIGNATURESLOT, blob: cmsWrapper },
  ]);
  if (signature.length !== signatureSize) throw new Error("internal: the signature's size changed");
  return Buffer.concat([code, signature]);
}
