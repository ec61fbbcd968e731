/**
 * Glue from the partitioner's graph (src/graph) to the sweep's inputs: GPU work per node (from the per-layer
 * report) and the legal cuts with their tails. Environment-neutral; the DHM programs come from a caller-supplied
 * compile function (the DHM compiler) and cycle function (its exact formula).
 */
import type { DhmProgram, HeadCycles } from '../dhm/program';
import { attrInt, layerReport, listCuts, numel, shapeOf, type CutPoint } from '../graph/index';
import type { Graph } from '../graph/types';
import { classifyOp, type GpuLayerWork } from './gpu';
import type { NetworkSweepInput } from './sweep';

/**
 * Whether torchvision's definition of `network` follows every convolution with a BatchNorm (which eager PyTorch runs
 * as its own kernel; the ONNX graphs here have it folded): MobileNetV2 and ShuffleNetV2 do, SqueezeNet 1.0/1.1 has
 * no BatchNorm (torchvision.models mobilenetv2.py, shufflenetv2.py, squeezenet.py).
 */
export function torchvisionBatchNormAfterConv(network: string): boolean {
  return network === 'MobileNetV2' || network === 'ShuffleNetV2';
}

/**
 * GPU work of every node of a prepared graph (prepareGraph), in topological order. `batchNormAfterConv` marks every
 * Conv as followed by a BatchNorm kernel in the eager baseline.
 */
export function gpuWorkOf(g: Graph, batchNormAfterConv = false): GpuLayerWork[] {
  const rep = layerReport(g);
  return g.nodes.map((n, i) => {
    const r = rep[i]!;
    let inputElems = 0;
    for (const t of n.inputs) if (t && !g.initializers.has(t)) inputElems += numel(shapeOf(g, t));
    let outputElems = 0;
    for (const t of n.outputs) if (t) outputElems += numel(shapeOf(g, t));
    const groups = n.opType === 'Conv' ? attrInt(n, 'group', 1) : 1;
    const bn = batchNormAfterConv && n.opType === 'Conv';
    return { name: n.name, op: n.opType, opClass: classifyOp(n.opType, groups), macs: r.macs, params: r.params, inputElems, outputElems, ...(bn ? { batchNormAfter: true } : {}) };
  });
}

/** Options of {@link networkSweepInput}. */
export interface NetworkSweepOptions {
  readonly modelId: string;
  readonly network: string;
  /** A prepared graph of the whole model (NCHW input). */
  readonly graph: Graph;
  /** Compile the head at a cut and bit width (the DHM compiler). */
  readonly compile: (cut: CutPoint, bits: number) => DhmProgram;
  readonly cycles: (program: DhmProgram) => HeadCycles;
  readonly programSource: string;
}

/** Build the sweep input of one network from its prepared graph. */
export function networkSweepInput(o: NetworkSweepOptions): NetworkSweepInput {
  const g = o.graph;
  if (g.inputs.length !== 1) throw new RangeError(`cost sweep: model '${o.modelId}' has ${g.inputs.length} graph inputs, expected 1`);
  const inShape = shapeOf(g, g.inputs[0]!.name);
  if (inShape.length !== 4 || inShape[1] !== 3) throw new RangeError(`cost sweep: model '${o.modelId}' input shape [${inShape.join(',')}] is not NCHW with 3 channels`);
  const all = gpuWorkOf(g, torchvisionBatchNormAfterConv(o.network));
  const cuts = listCuts(g);
  const byIndex = new Map(cuts.map((c) => [c.index, c] as const));
  return {
    modelId: o.modelId,
    network: o.network,
    inputShape: [inShape[1]!, inShape[2]!, inShape[3]!],
    allLayers: all,
    cuts: cuts.map((c) => {
      const head = new Set(c.headLayers);
      return { index: c.index, tensor: c.tensor, shape: c.shape, tail: all.filter((l) => !head.has(l.name)) };
    }),
    program: (cutIndex, bits) => {
      const c = byIndex.get(cutIndex);
      if (!c) throw new RangeError(`cost sweep: model '${o.modelId}' has no legal cut ${cutIndex}`);
      return o.compile(c, bits);
    },
    cycles: o.cycles,
    programSource: o.programSource,
  };
}
