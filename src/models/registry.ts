/**
 * The registry of supported models, sample images and label files, with stable ids. Pure data: used by the
 * provisioning script (scripts/models.ts), the CLI, the page and the tests. Provenance and licences are those
 * recorded in `../shared/models/SOURCES.md` (the local mirror); sha256 values are verified on every copy/download.
 */

/** Preprocessing recipes (see SOURCES.md):
 * - torch224: shorter side → 256 (bilinear), 224 centre crop, RGB, x/255, mean (0.485,0.456,0.406), std (0.229,0.224,0.225), NCHW.
 * - caffe227: shorter side → 256, 227 centre crop, BGR, 0..255 minus (104,117,123), NCHW.
 * - nhwcpm1: shorter side → 256, 224 centre crop, RGB, x/127.5 − 1, NHWC. */
export type Preprocessing = 'torch224' | 'caffe227' | 'nhwcpm1';
export type TensorLayout = 'NCHW' | 'NHWC';
export type LabelSet = 'imagenet1000' | 'imagenet1001';
export type ModelId =
  | 'squeezenet1.1'
  | 'squeezenet1.0'
  | 'squeezenet1.0-tflite'
  | 'mobilenetv2'
  | 'shufflenetv2'
  | 'mobilenetv2-int8'
  | 'shufflenetv2-int8';

/** A provisioned file: where it lives (relative to the models folder), its checksum and where it comes from. */
export interface ProvisionedFile {
  /** Path relative to the models root, e.g. `squeezenet1.1/squeezenet1.1_fp32.onnx` (same in the mirror). */
  readonly path: string;
  readonly sha256: string;
  readonly bytes: number;
  /** Canonical download URL, or null where the file was assembled and only the mirror has it. */
  readonly url: string | null;
}

export interface ModelEntry {
  readonly id: ModelId;
  readonly title: string;
  /** The network as the paper names it. */
  readonly network: 'SqueezeNet 1.1' | 'SqueezeNet 1.0' | 'MobileNetV2' | 'ShuffleNetV2';
  /** True for float models the DHM compiler and the partitioner accept; int8 originals are reference only. */
  readonly float: boolean;
  readonly file: ProvisionedFile;
  readonly input: { readonly name: string; readonly shape: readonly number[]; readonly layout: TensorLayout };
  readonly output: { readonly name: string; readonly classes: number };
  /** Whether the output is already a softmax probability (else logits). */
  readonly outputIsProbability: boolean;
  readonly preprocessing: Preprocessing;
  readonly labels: LabelSet;
  readonly provenance: string;
  readonly licence: string;
  /** Official reference tensors (input_0.npy/output_0.npy folders), relative to the models root. */
  readonly testData: readonly string[];
}

const ZOO = 'https://github.com/onnx/models/raw/main/validated/vision/classification';

export const MODELS: readonly ModelEntry[] = [
  {
    id: 'squeezenet1.1', title: 'SqueezeNet 1.1 (fp32, ONNX zoo squeezenet1.1-7 weights)', network: 'SqueezeNet 1.1', float: true,
    file: { path: 'squeezenet1.1/squeezenet1.1_fp32.onnx', sha256: '147c5c467dbcadcdffda284586ac99e80350a140e727f607c1d993fe717b3556', bytes: 4949682, url: null },
    input: { name: 'data', shape: [1, 3, 224, 224], layout: 'NCHW' },
    output: { name: 'squeezenet0_flatten0_reshape0', classes: 1000 }, outputIsProbability: false,
    preprocessing: 'torch224', labels: 'imagenet1000',
    provenance: 'webmachinelearning/webnn-polyfill test/models/squeezenet1.1_nchw weights @629662c, assembled to ONNX (exact fp32)',
    licence: 'Apache-2.0',
    testData: ['squeezenet1.1/test_data_set_0', 'squeezenet1.1/test_data_set_1', 'squeezenet1.1/test_data_set_2'],
  },
  {
    id: 'squeezenet1.0', title: 'SqueezeNet 1.0 (Deep Compression, fp32)', network: 'SqueezeNet 1.0', float: true,
    file: { path: 'squeezenet1.0/squeezenet1.0_deepcompression_fp32.onnx', sha256: 'ceb90b438b14e6ad4434c53c87e7e9d68192a07a38b64a93ae2a4bbf49178441', bytes: 5002087, url: null },
    input: { name: 'data', shape: [1, 3, 227, 227], layout: 'NCHW' },
    output: { name: 'scores', classes: 1000 }, outputIsProbability: false,
    preprocessing: 'caffe227', labels: 'imagenet1000',
    provenance: 'songhan/SqueezeNet-Deep-Compression @fb13faa (pruned, 8-bit codebook), assembled to ONNX',
    licence: 'BSD-2-Clause',
    testData: [],
  },
  {
    id: 'squeezenet1.0-tflite', title: 'SqueezeNet 1.0 (dense, TF-Lite hosted weights, NHWC input)', network: 'SqueezeNet 1.0', float: true,
    file: { path: 'squeezenet1.0/squeezenet1.0_tflite_nhwc_1001.onnx', sha256: '18b6bd8d608bb0cef174dd638b89562810c0da12e412b3c5f772e8c76b9e3c4a', bytes: 5002885, url: null },
    input: { name: 'placeholder', shape: [1, 224, 224, 3], layout: 'NHWC' },
    output: { name: 'softmax', classes: 1001 }, outputIsProbability: true,
    preprocessing: 'nhwcpm1', labels: 'imagenet1001',
    provenance: 'webmachinelearning/webnn-polyfill test/models/squeezenet1.0_nhwc weights @9ce1b19, assembled to ONNX',
    licence: 'Apache-2.0',
    testData: ['squeezenet1.0/tflite_test_data_set_0', 'squeezenet1.0/tflite_test_data_set_1', 'squeezenet1.0/tflite_test_data_set_2'],
  },
  {
    id: 'mobilenetv2', title: 'MobileNetV2 1.0 (fp32, BN folded; FC dequantized from int8)', network: 'MobileNetV2', float: true,
    file: { path: 'mobilenetv2/mobilenetv2_fp32_fcdeq.onnx', sha256: 'bce3ad0687fc7dd23373521f992c3ff82b9e013cb41e9e396f1eef6b0af56537', bytes: 13964668, url: null },
    input: { name: 'input', shape: [1, 3, 224, 224], layout: 'NCHW' },
    output: { name: 'output', classes: 1000 }, outputIsProbability: false,
    preprocessing: 'torch224', labels: 'imagenet1000',
    provenance: 'ONNX zoo mobilenetv2-7 conv weights (webnn-polyfill .npy) + FC dequantized from the zoo int8 model',
    licence: 'Apache-2.0 (weights torchvision-derived, BSD-3)',
    testData: ['mobilenetv2/test_data_set_0', 'mobilenetv2/test_data_set_1', 'mobilenetv2/test_data_set_2'],
  },
  {
    id: 'shufflenetv2', title: 'ShuffleNetV2 x1.0 (fp32 graph, int8-rounded weights)', network: 'ShuffleNetV2', float: true,
    file: { path: 'shufflenetv2/shufflenet-v2_x1.0_fp32_from_qdq.onnx', sha256: '87cd77c36122929d4475a0e1647a2214f8817b4cea237f83fadc1680807aca98', bytes: 9117737, url: null },
    input: { name: 'input', shape: [1, 3, 224, 224], layout: 'NCHW' },
    output: { name: 'output', classes: 1000 }, outputIsProbability: false,
    preprocessing: 'torch224', labels: 'imagenet1000',
    provenance: 'ONNX zoo shufflenet-v2-12-qdq with every DequantizeLinear folded to fp32 and Q/DQ pairs removed',
    licence: 'Apache-2.0 (weights torchvision-derived, BSD-3)',
    testData: [],
  },
  {
    id: 'mobilenetv2-int8', title: 'MobileNetV2 1.0 (ONNX zoo int8, QLinear ops; reference only)', network: 'MobileNetV2', float: false,
    file: { path: 'mobilenetv2/mobilenetv2-12-int8.onnx', sha256: 'cc028fe6cae7bc11a4ff53cfc9b79c920e8be65ce33a904ec3e2a8f66d77f95f', bytes: 3655033, url: `${ZOO}/mobilenet/model/mobilenetv2-12-int8.onnx` },
    input: { name: 'input', shape: [1, 3, 224, 224], layout: 'NCHW' },
    output: { name: 'output', classes: 1000 }, outputIsProbability: false,
    preprocessing: 'torch224', labels: 'imagenet1000',
    provenance: 'ONNX model zoo mobilenetv2-12-int8 (byte-identical; mirror from Lawrence-lugs/MARP @4eb1e15)',
    licence: 'Apache-2.0 (weights torchvision-derived, BSD-3)',
    testData: [],
  },
  {
    id: 'shufflenetv2-int8', title: 'ShuffleNetV2 x1.0 (ONNX zoo QDQ int8; reference only)', network: 'ShuffleNetV2', float: false,
    file: { path: 'shufflenetv2/shufflenet-v2-12-qdq.onnx', sha256: '7c536d02e2f6af9569e5f3c7a4d8282060072119524c93c8da71e63876b4722b', bytes: 2415805, url: `${ZOO}/shufflenet/model/shufflenet-v2-12-qdq.onnx` },
    input: { name: 'input', shape: [1, 3, 224, 224], layout: 'NCHW' },
    output: { name: 'output', classes: 1000 }, outputIsProbability: false,
    preprocessing: 'torch224', labels: 'imagenet1000',
    provenance: 'ONNX model zoo shufflenet-v2-12-qdq (byte-identical; mirror from pw-02/ezkl-exploration @e5a9ce5)',
    licence: 'Apache-2.0 (weights torchvision-derived, BSD-3)',
    testData: [],
  },
];

/** The three networks of the paper, by the model ids the demo and tests use. */
export const PAPER_MODELS: readonly ModelId[] = ['squeezenet1.1', 'mobilenetv2', 'shufflenetv2'];

const CORAL = 'https://raw.githubusercontent.com/google-coral/test_data';

/** Label files: one class name per line (imagenet1000: "wnid name" in ILSVRC order; imagenet1001: "background" first). */
export const LABEL_FILES: Readonly<Record<LabelSet, ProvisionedFile>> = {
  imagenet1000: { path: 'labels/synset_words_1000_ncnn.txt', sha256: 'ae3fba5fcc74d2c0b6db492b24c55c211358613c02bebc7a3ceab574a153231f', bytes: 31671, url: 'https://raw.githubusercontent.com/Tencent/ncnn/be054aacb0cfac3725507d220c417e138803ebab/examples/synset_words.txt' },
  imagenet1001: { path: 'labels/imagenet_labels_1001_coral.txt', sha256: 'b8aaeb5630c62626a7d124a05c0e14230a7ffdd2136a31d0190a4fb71c1d82f1', bytes: 21686, url: `${CORAL}/104342d2d3480b3e66203073dac24f4e2dbb4c41/imagenet_labels.txt` },
};

export type SampleImageId = 'cat' | 'dragonfly' | 'hot_dog' | 'parrot';

/** Sample images (google-coral/test_data, Apache-2.0; per-image licences in images/COPYRIGHT). */
export const SAMPLE_IMAGES: Readonly<Record<SampleImageId, ProvisionedFile>> = {
  cat: { path: 'images/cat.bmp', sha256: '34f235786382686111728287fd26d4c24dd8c25de8233469d6eeb301888ce0a9', bytes: 523914, url: `${CORAL}/c21de4450f88a20ac5968628d375787745932a5a/cat.bmp` },
  dragonfly: { path: 'images/dragonfly.bmp', sha256: 'bb42efbdd3ef1a06cc17cc4db862373be91d74eec2fcdeeb6665247a3ae6ce52', bytes: 642186, url: `${CORAL}/104342d2d3480b3e66203073dac24f4e2dbb4c41/dragonfly.bmp` },
  hot_dog: { path: 'images/hot_dog.jpg', sha256: 'ed6952e022eb71c0d0b1ff068dcee3abed056dfa1852f041c35f138c4ff15b2e', bytes: 200930, url: `${CORAL}/104342d2d3480b3e66203073dac24f4e2dbb4c41/hot_dog.jpg` },
  parrot: { path: 'images/parrot.jpg', sha256: 'a8fba9e7e29439fa414c13129aad661f2289ff891231920a7c33641b076f1833', bytes: 596977, url: `${CORAL}/104342d2d3480b3e66203073dac24f4e2dbb4c41/parrot.jpg` },
};

/** Files provisioned beside the models that carry no checksum of their own in the registry (copied from the mirror only). */
export const EXTRA_MIRROR_DIRS: readonly string[] = [
  'squeezenet1.1/test_data_set_0', 'squeezenet1.1/test_data_set_1', 'squeezenet1.1/test_data_set_2',
  'mobilenetv2/test_data_set_0', 'mobilenetv2/test_data_set_1', 'mobilenetv2/test_data_set_2',
  'squeezenet1.0/tflite_test_data_set_0', 'squeezenet1.0/tflite_test_data_set_1', 'squeezenet1.0/tflite_test_data_set_2',
  'reference_outputs', 'reference_outputs/inputs', 'images',
];

/** Look a model up by id; throws a RangeError listing the known ids. */
export function getModel(id: string): ModelEntry {
  const m = MODELS.find((e) => e.id === id);
  if (!m) throw new RangeError(`unknown model id '${id}'; known ids: ${MODELS.map((e) => e.id).join(', ')}`);
  return m;
}
