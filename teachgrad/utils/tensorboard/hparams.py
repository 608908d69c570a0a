"""The three summaries behind TensorBoard's HPARAMS tab (SummaryWriter.add_hparams).

The tab shows one row per run: its hyperparameters and its final metrics. A run says
which hyperparameters and metrics exist (the *experiment*), the values it used (the
*session start*), and that it finished (the *session end*); the metrics themselves are
ordinary scalars, logged under the metric names.
"""

from __future__ import annotations

from typing import Any

from google.protobuf.struct_pb2 import ListValue, Value
from tensorboard.compat.proto.summary_pb2 import Summary, SummaryMetadata
from tensorboard.plugins.hparams.api_pb2 import (
    DataType,
    Experiment,
    HParamInfo,
    MetricInfo,
    MetricName,
    Status,
)
from tensorboard.plugins.hparams.metadata import (
    EXPERIMENT_TAG,
    PLUGIN_DATA_VERSION,
    PLUGIN_NAME,
    SESSION_END_INFO_TAG,
    SESSION_START_INFO_TAG,
)
from tensorboard.plugins.hparams.plugin_data_pb2 import (
    HParamsPluginData,
    SessionEndInfo,
    SessionStartInfo,
)

from teachgrad.tensor import Tensor
from teachgrad.utils.tensorboard.summaries import to_numpy

__all__ = ["hparams"]


def _check_domains(hparam_dict: dict, domains: Any) -> dict:
    """`hparam_domain_discrete`, checked: each a list of values of its hparam's type."""
    domains = domains or {}
    if not isinstance(domains, dict):
        raise TypeError("hparam_domain_discrete must be a dict {name: [possible values]}, "
                        f"not {type(domains).__name__}")
    for name, values in domains.items():
        if (name not in hparam_dict or not isinstance(values, list)
                or not all(isinstance(v, type(hparam_dict[name])) for v in values)):
            raise TypeError(f"hparam_domain_discrete[{name!r}] must be a list of values of the "
                            f"same type as hparam_dict[{name!r}], which must exist")
    return domains


def _field(value: Any) -> tuple[str, str]:
    """The protobuf Value field and TensorBoard data type that hold `value`."""
    # bool is an int, so True is logged as the number 1.0, as torch does.
    if isinstance(value, (int, float)):
        return "number_value", "DATA_TYPE_FLOAT64"
    if isinstance(value, str):
        return "string_value", "DATA_TYPE_STRING"
    raise ValueError(f"a hyperparameter value must be an int, float, str, bool or a tensor, "
                     f"not {type(value).__name__}: log str(value) or a number instead")


def _summary(tag: str, **content: Any) -> Summary:
    data = HParamsPluginData(version=PLUGIN_DATA_VERSION, **content)
    plugin = SummaryMetadata.PluginData(plugin_name=PLUGIN_NAME, content=data.SerializeToString())
    return Summary(value=[Summary.Value(tag=tag, metadata=SummaryMetadata(plugin_data=plugin))])


def hparams(hparam_dict: dict, metric_dict: dict,
            hparam_domain_discrete: dict | None = None) -> tuple[Summary, Summary, Summary]:
    """The experiment, session-start and session-end summaries for one run."""
    domains = _check_domains(hparam_dict, hparam_domain_discrete)
    start = SessionStartInfo()
    infos = []
    for name, value in hparam_dict.items():
        if value is None:  # not logged at all
            continue
        if isinstance(value, Tensor):  # its first element, as a number
            start.hparams[name].number_value = float(to_numpy(value).reshape(-1)[0])
            infos.append(HParamInfo(name=name, type=DataType.Value("DATA_TYPE_FLOAT64")))
            continue
        field, data_type = _field(value)
        setattr(start.hparams[name], field, value)
        domain = None
        if name in domains:
            domain = ListValue(values=[Value(**{field: v}) for v in domains[name]])
        infos.append(HParamInfo(name=name, type=DataType.Value(data_type),
                                domain_discrete=domain))
    metrics = [MetricInfo(name=MetricName(tag=name)) for name in metric_dict]
    return (
        _summary(EXPERIMENT_TAG, experiment=Experiment(hparam_infos=infos, metric_infos=metrics)),
        _summary(SESSION_START_INFO_TAG, session_start_info=start),
        _summary(SESSION_END_INFO_TAG,
                 session_end_info=SessionEndInfo(status=Status.Value("STATUS_SUCCESS"))),
    )
