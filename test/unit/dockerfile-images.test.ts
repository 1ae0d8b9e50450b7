/** The images a Dockerfile makes the classic builder pull (src/registry/dockerfile-images.ts): pure parsing. */
import { imagesInDockerfile } from '../../src/registry/dockerfile-images';

describe('imagesInDockerfile', () => {
  test.each([
    ['one FROM', 'FROM 127.0.0.1:5000/private/base\nRUN true\n', {}, ['127.0.0.1:5000/private/base']],
    ['platform flag and stage name; later FROM of a stage is not an image', 'FROM --platform=linux/amd64 ghcr.io/a/b:1 AS build\nFROM build\nFROM scratch\n', {}, ['ghcr.io/a/b:1']],
    ['stage names are case-insensitive', 'FROM busybox as Base\nfrom BASE\n', {}, ['busybox']],
    ['COPY --from an image, a stage, an index', 'FROM a AS s\nFROM b\nCOPY --from=s /x /x\nCOPY --from=0 /y /y\nCOPY --from=quay.io/c/d:2 /z /z\n', {}, ['a', 'b', 'quay.io/c/d:2']],
    ['global ARG default, ${} and $ forms', 'ARG REG=r.example:5000\nARG TAG="1.2"\nFROM ${REG}/base:$TAG\n', {}, ['r.example:5000/base:1.2']],
    ['buildargs override ARG defaults', 'ARG REG=r.example\nFROM $REG/base\n', { REG: 'other.example' }, ['other.example/base']],
    ['${VAR:-default} when unset', 'ARG V\nFROM ${V:-fallback.example/img}\n', {}, ['fallback.example/img']],
    ['an ARG after FROM does not apply to FROM; unresolved variables are skipped', 'FROM a\nARG X=b\nFROM $X\n', {}, ['a']],
    ['continuations, comments, lowercase, CRLF', '# c\nfrom \\\n  reg.example/x \\\n  # inner comment\n  AS one\r\nFROM reg.example/x\n', {}, ['reg.example/x']],
    ['escape directive', '# escape=`\nFROM `\n reg.example/y\n', {}, ['reg.example/y']],
  ])('%s', (_name, text, args, expected) => {
    expect(imagesInDockerfile(text, args)).toEqual(expected);
  });
});
