/** The closed set of ONNX ops the graph layer handles (reader, shape inference, passes). */

/** ai.onnx ops the reader accepts and shape inference understands (the closed supported set). */
export const SUPPORTED_OPS: readonly string[] = [
  'Add', 'AveragePool', 'BatchNormalization', 'Clip', 'Concat', 'Constant', 'Conv', 'Div', 'Dropout', 'Flatten',
  'Gemm', 'GlobalAveragePool', 'GlobalMaxPool', 'Identity', 'LeakyRelu', 'MatMul', 'MaxPool', 'Mul', 'ReduceMean', 'Relu',
  'Reshape', 'Shape', 'Sigmoid', 'Slice', 'Softmax', 'Split', 'Squeeze', 'Sub', 'Transpose', 'Unsqueeze',
];
